#!/usr/bin/env bash
# The order flow against moto's server (DynamoDB, SNS) and a local Lambda stand-in:
# an order that goes through, then one the stock cannot serve. moto comes pinned
# from asl-cli/tests/api/requirements.txt, into target/python-venv. `ASL` names the
# asl binary (by default the one `cargo run --release` builds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/python-venv"
if [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/asl-cli/tests/api/requirements.txt"
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
moto_port="$(free_port)"
lambda_port="$(free_port)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >/dev/null 2>&1 &
moto=$!
python3 "$here/lambda_stub.py" "$lambda_port" &
stub=$!
trap 'kill $moto $stub 2>/dev/null' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
export AWS_ENDPOINT_URL_LAMBDA="http://127.0.0.1:$lambda_port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
python3 - <<'WAIT'
import os, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(os.environ["AWS_ENDPOINT_URL"] + "/moto-api/", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
WAIT
"$venv/bin/python" "$here/setup.py"
asl=(cargo run --release -q -p asl-cli --)
if [ -n "${ASL:-}" ]; then asl=("$ASL"); fi
echo "an order of 2 widgets:"
"${asl[@]}" run "$here/order.asl.json" --input @"$here/order.json"
echo "an order of 4 more (3 are left):"
status=0
"${asl[@]}" run "$here/order.asl.json" --input '{"orderId": "o-1002", "sku": "widget", "quantity": 4, "total": 85, "card": "valid"}' || status=$?
echo "(exit status $status)"
