"""kbench's Python driver: runs one benchmark arm (an ArmSpec JSON) with one Python Kafka client."""
