package dev.tally.model;

/** A configuration object that belongs to a team (null or blank: the default team, for objects made before teams). */
public interface TeamOwned {
  String id();

  String team();
}
