# SPDX-License-Identifier: MIT
# A tiny token server for the registry's token auth (the Docker token flow) on loopback, for
# tests: GET /token?service=S&scope=repository:NAME:ACTIONS with HTTP basic auth USER:PASS
# answers {"token": JWT} signed RS256 by KEY, its certificate CERT in the x5c header (the
# registry trusts CERT through its rootcertbundle). Anything else: 401.
# usage: python3 token_server.py PORT KEY CERT ISSUER USER:PASS LOG
import base64, json, subprocess, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

port, key, cert, issuer, creds, log = sys.argv[1:7]
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], capture_output=True,
                     check=True).stdout


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(service, scopes):
    head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    now = int(time.time())
    access = []
    for s in scopes:
        kind, name, actions = s.split(":")[0], ":".join(s.split(":")[1:-1]), s.split(":")[-1]
        access.append({"type": kind, "name": name, "actions": actions.split(",")})
    claims = {"iss": issuer, "sub": creds.split(":")[0], "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": str(now), "access": access}
    signing = (b64u(json.dumps(head).encode()) + "." + b64u(json.dumps(claims).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing,
                         capture_output=True, check=True).stdout
    return signing.decode() + "." + b64u(sig)


class H(BaseHTTPRequestHandler):
    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        ok = auth == "Basic " + base64.b64encode(creds.encode()).decode()
        with open(log, "a") as f:
            f.write("%s auth=%s\n" % (self.path, "ok" if ok else "none" if not auth else "bad"))
        if u.path != "/token" or not ok:
            self.send_response(401)
            self.end_headers()
            return
        body = json.dumps({"token": jwt(q.get("service", [""])[0], q.get("scope", []))}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


ThreadingHTTPServer(("127.0.0.1", int(port)), H).serve_forever()
