#!/usr/bin/env bash
# One-shot of docker/compose.yaml (service rocketmq-topics): waits until the broker has registered with the
# name server, then creates Tally's job topics. A gRPC client (through the proxy) cannot auto-create a topic,
# and since RocketMQ 5 a topic has a message type: DELAY for delayed messages, NORMAL for the others.
# The topics, their types and queue counts are those of scripts/infra/rocketmq.sh, which runs the same
# servers without Docker (names: the defaults of the rocketmq.* settings coming with the RocketMQ/cluster
# release). updateTopic is idempotent, so a second run changes nothing.
#
#   ROCKETMQ_TOPICS         space-separated name:TYPE pairs
#                           (default "tally-jobs:NORMAL tally-jobs-priority:NORMAL tally-jobs-delay:DELAY")
#   ROCKETMQ_TOPIC_QUEUES   read/write queues per topic (default 4)
set -euo pipefail

ns=${NAMESRV_ADDR:-rocketmq-namesrv:9876}
cluster=${ROCKETMQ_CLUSTER:-DefaultCluster}
topics=${ROCKETMQ_TOPICS:-tally-jobs:NORMAL tally-jobs-priority:NORMAL tally-jobs-delay:DELAY}
queues=${ROCKETMQ_TOPIC_QUEUES:-4}
admin() { sh "$ROCKETMQ_HOME/bin/mqadmin" "$@"; }

for ((i = 1; ; i++)); do
  if admin clusterList -n "$ns" 2>/dev/null | grep -q "$cluster"; then break; fi
  if ((i >= 60)); then echo "create-topics: no broker of $cluster registered at $ns" >&2; exit 1; fi
  sleep 2
done

# mqadmin may exit 0 after printing an error, so each topic is checked in the topic list afterwards
for spec in $topics; do
  admin updateTopic -n "$ns" -c "$cluster" -t "${spec%%:*}" -r "$queues" -w "$queues" -a "+message.type=${spec##*:}"
done
listed=$(admin topicList -n "$ns")
for spec in $topics; do
  grep -qx "${spec%%:*}" <<<"$listed" || { echo "create-topics: topic ${spec%%:*} missing after updateTopic" >&2; exit 1; }
done
echo "create-topics: ready: $topics"
