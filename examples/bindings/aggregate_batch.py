"""Aggregate: totals of one batch of sales rows, as a Lambda behind lambda:invoke would
compute them. Input on stdin: {"FunctionName", "Payload": {"Items": [rows], "BatchInput"}};
result on stdout: {"Payload": {...}}, which the state's OutputPath unwraps."""
import json
import sys

request = json.load(sys.stdin)
batch = request["Payload"]
by_region = {}
for row in batch["Items"]:
    by_region[row["region"]] = round(by_region.get(row["region"], 0.0) + float(row["amount"]), 2)
total = round(sum(by_region.values()), 2)
first, last = batch["Items"][0]["order_id"], batch["Items"][-1]["order_id"]
print(json.dumps({"Payload": {
    "orders": f"{first}..{last}",
    "rows": len(batch["Items"]),
    "total": total,
    "byRegion": by_region,
    "currency": batch["BatchInput"]["currency"],
}}))
