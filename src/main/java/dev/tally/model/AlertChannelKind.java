package dev.tally.model;

/** Where an alert channel posts: a WeCom group robot, a Slack-compatible incoming webhook, or any JSON endpoint. */
public enum AlertChannelKind {
  WECOM, SLACK, WEBHOOK
}
