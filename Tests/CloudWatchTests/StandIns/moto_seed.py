#!/usr/bin/env python3
"""Seeds a moto server with PutMetricData through boto3 (request compression off: moto
cannot read gzip bodies, contracts §6.6).

usage: moto_seed.py ENDPOINT < points.json
points.json: a list of {namespace, name, dimensions: [[name, value]], time (epoch seconds), value}.
"""
import datetime
import json
import sys

import boto3
from botocore.config import Config

client = boto3.client(
    "cloudwatch", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing",
    config=Config(disable_request_compression=True, retries={"max_attempts": 1}),
)
by_namespace = {}
for point in json.load(sys.stdin):
    by_namespace.setdefault(point["namespace"], []).append({
        "MetricName": point["name"],
        "Dimensions": [{"Name": n, "Value": v} for n, v in point["dimensions"]],
        "Timestamp": datetime.datetime.fromtimestamp(point["time"], datetime.timezone.utc),
        "Value": point["value"],
    })
for namespace, data in by_namespace.items():
    for start in range(0, len(data), 1000):
        client.put_metric_data(Namespace=namespace, MetricData=data[start:start + 1000])
print("seeded", sum(len(d) for d in by_namespace.values()))
