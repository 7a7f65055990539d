"""PriceItems: the subtotal and weight of a basket (input on stdin, result on stdout)."""
import json
import sys

PRICES = {"book": (12.5, 0.4), "lamp": (45.0, 2.1), "desk": (180.0, 25.0)}

request = json.load(sys.stdin)
subtotal = weight = 0.0
for item in request["items"]:
    if item["sku"] not in PRICES:
        print(json.dumps({"error": "UnknownSku", "cause": f"no price for {item['sku']}"}))
        sys.exit(1)
    price, kilos = PRICES[item["sku"]]
    subtotal += price * item["quantity"]
    weight += kilos * item["quantity"]
print(json.dumps({"subtotal": subtotal, "weight": round(weight, 2), "currency": request["currency"]}))
