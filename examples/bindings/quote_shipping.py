"""QuoteShipping: a shipping quote by country and weight (input on stdin)."""
import json
import sys

request = json.load(sys.stdin)
rate = 4.5 if request["country"] == "FR" else 9.0
print(json.dumps({"cost": round(rate + 0.8 * request["weight"], 2), "carrier": "parcel"}))
