"""A local stand-in for AWS Lambda's Invoke API (the one the order flow's
`validate-payment` function needs): an expired card is a function error
`PaymentDeclined`, anything else is approved."""

import http.server
import json
import sys
import uuid


class Invoke(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        headers = {"X-Amz-Executed-Version": "$LATEST", "Content-Type": "application/json"}
        if payload.get("card") == "expired":
            headers["X-Amz-Function-Error"] = "Unhandled"
            body = {"errorType": "PaymentDeclined", "errorMessage": "the card has expired"}
        else:
            body = {"approved": True, "transactionId": str(uuid.uuid4())}
        data = json.dumps(body).encode()
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Invoke).serve_forever()
