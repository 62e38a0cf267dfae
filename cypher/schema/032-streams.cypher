// Kafka publishers are found by topic: one state (cursor, lease, count) per topic published to.
CREATE CONSTRAINT kafka_publisher_topic IF NOT EXISTS FOR (k:KafkaPublisher) REQUIRE k.topic IS UNIQUE;
// Kafka consumers are found by topic and group: what the group consumed and rejected, its last lag.
CREATE CONSTRAINT kafka_consumer_topic_group IF NOT EXISTS FOR (k:KafkaConsumer) REQUIRE (k.topic, k.group) IS UNIQUE;
