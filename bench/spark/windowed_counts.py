"""The Spark side of the side-by-side benchmark.

Computes, for the chat events of a Telemetra event file, the per-channel sliding-window
aggregates Telemetra's engine computes (60 s windows sliding by 10 s): message count,
exact distinct chatters and emote occurrences. Prints one JSON line with the timings.

    python windowed_counts.py EVENTS.jsonl
"""

import json
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def main(path: str) -> None:
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("telemetra-baseline")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    ready = time.perf_counter()

    events = spark.read.json(path)
    chat = events.where(F.col("type") == "chat").select(
        "channel",
        "username",
        F.to_timestamp("timestamp").alias("ts"),
        F.coalesce(F.size("emotes"), F.lit(0)).alias("emotes"),
    )
    # size() of a missing list is -1 in Spark: count only real lists.
    chat = chat.withColumn("emotes", F.greatest(F.col("emotes"), F.lit(0)))
    windows = chat.groupBy(F.window("ts", "60 seconds", "10 seconds"), "channel").agg(
        F.count("*").alias("message_count"),
        F.countDistinct("username").alias("unique_chatters"),
        F.sum("emotes").alias("emote_count"),
    )
    rows = windows.collect()
    done = time.perf_counter()
    chat_events = chat.count()
    print(
        json.dumps(
            {
                "engine": "spark",
                "windows": len(rows),
                "chat_events": chat_events,
                "jvm_start_s": round(ready - started, 3),
                "query_s": round(done - ready, 3),
                "checksum_messages": sum(r["message_count"] for r in rows),
            }
        )
    )
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
