#!/bin/bash
# SPDX-License-Identifier: MIT
# Registries with TLS (a CA made here, found through --cert-dir HOST:PORT/ca.crt), basic auth
# (htpasswd) and token auth (a token server on loopback): berth login/logout write podman's
# auth.json (0600), pulls read it (and docker's config.json), wrong credentials are refused.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_registry.sh"
command -v htpasswd >/dev/null || skip "htpasswd is not installed (apache2-utils)"

T=$BERTH_ROOT/tls
mkdir -p "$T"
(
    cd "$T" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 \
        -subj /CN=berth-test-ca
    openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1
    printf 'subjectAltName=IP:127.0.0.1\n' >ext
    openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 1 \
        -extfile ext
    openssl req -x509 -newkey rsa:2048 -nodes -keyout tok.key -out tok.crt -days 1 -subj /CN=tok
) >/dev/null 2>&1 || fail "openssl: test certificates"
LAY=$BERTH_ROOT/layout
img_build "$LAY" v1 0
export REGISTRY_AUTH_FILE=$BERTH_ROOT/auth/auth.json

# ---- TLS with a private CA ----
REG_TLS_CERT=$T/srv.crt REG_TLS_KEY=$T/srv.key reg_start tls
img_push "$LAY" v1 x:v1
R=127.0.0.1:$REG_PORT
expect_err "a registry whose CA is unknown" b image pull "$R/x:v1"
echo "$LAST_ERR" | grep -qi "certificate" || fail "the error does not name the certificate"
mkdir -p "$BERTH_ROOT/certs.d/$R"
cp "$T/ca.crt" "$BERTH_ROOT/certs.d/$R/ca.crt"
b image pull -q --cert-dir "$BERTH_ROOT/certs.d" "$R/x:v1" >/dev/null || fail "pull with certs.d CA"
ok "TLS verified against certs.d/$R/ca.crt"
b image rm "$R/x:v1" >/dev/null
b image pull -q --tls-verify=false "$R/x:v1" >/dev/null || fail "pull --tls-verify=false over https"
ok "--tls-verify=false over https"

# ---- basic auth (htpasswd) ----
htpasswd -Bbn alice s3cret >"$BERTH_ROOT/htpasswd" 2>/dev/null || fail "htpasswd"
reg_start basic "auth: {htpasswd: {realm: berth-test, path: $BERTH_ROOT/htpasswd}}"
img_push "$LAY" v1 x:v1 --dest-creds alice:s3cret
R=127.0.0.1:$REG_PORT
expect_err "basic auth, no credentials" b image pull -q --tls-verify=false "$R/x:v1"
echo "$LAST_ERR" | grep -q "berth login $R" || fail "the error does not say how to log in"
out=$(echo wrong | b login --tls-verify=false -u alice --password-stdin "$R" 2>&1) &&
    fail "login with a wrong password succeeded"
[ -e "$REGISTRY_AUTH_FILE" ] && fail "a refused login wrote the auth file"
ok "a wrong password is refused and stores nothing: $out"
echo s3cret | b login --tls-verify=false -u alice --password-stdin "$R" >/dev/null || fail "login"
[ "$(stat -c %a "$REGISTRY_AUTH_FILE")" = 600 ] || fail "auth.json is not 0600"
python3 -c 'import json,sys,base64; a=json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"]
assert base64.b64decode(a) == b"alice:s3cret"' "$REGISTRY_AUTH_FILE" "$R" || fail "auth.json format"
ok "login wrote podman's auth.json format, 0600"
b image pull -q --tls-verify=false "$R/x:v1" >/dev/null || fail "pull after login"
ok "pull with the stored credentials"
b logout "$R" >/dev/null || fail "logout"
b image rm "$R/x:v1" >/dev/null
expect_err "pull after logout" b image pull -q --tls-verify=false "$R/x:v1"
expect_err "logout twice" b logout "$R"
# docker's ~/.docker/config.json is read too.
mkdir -p "$BERTH_ROOT/home/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$R" "$(printf alice:s3cret | base64)" \
    >"$BERTH_ROOT/home/.docker/config.json"
REGISTRY_AUTH_FILE= XDG_RUNTIME_DIR= HOME=$BERTH_ROOT/home b image pull -q --tls-verify=false "$R/x:v1" \
    >/dev/null || fail "pull with ~/.docker/config.json"
ok "credentials from ~/.docker/config.json"
expect_err "login without -u" b login --password-stdin "$R"
expect_err "login bad registry" b login -u a --password-stdin "https://Bad Host"

# ---- token auth (bearer challenge, token server on loopback) ----
TP=$(free_port)
python3 "$BERTH_SRC/tests/integration/token_server.py" "$TP" "$T/tok.key" "$T/tok.crt" \
    berth-issuer bob:t0ken "$BERTH_ROOT/token.log" &
REG_PIDS="$REG_PIDS $!"
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$TP/token" && break
    sleep 0.1
done
reg_start token "auth: {token: {realm: http://127.0.0.1:$TP/token, service: berth-test, issuer: berth-issuer, rootcertbundle: $T/tok.crt}}"
img_push "$LAY" v1 y/z:v1 --dest-creds bob:t0ken
R=127.0.0.1:$REG_PORT
: >"$BERTH_ROOT/token.log"
expect_err "token auth, no credentials" b image pull -q --tls-verify=false "$R/y/z:v1"
echo s3cret | b login --tls-verify=false -u bob --password-stdin "$R" >/dev/null 2>&1 &&
    fail "token login with a wrong password succeeded"
echo t0ken | b login --tls-verify=false -u bob --password-stdin "$R" >/dev/null || fail "token login"
b image pull -q --tls-verify=false "$R/y/z:v1" >/dev/null || fail "pull with a token"
grep -q "scope=repository%3Ay%2Fz%3Apull.* auth=ok" "$BERTH_ROOT/token.log" ||
    fail "no token request for repository:y/z:pull with the credentials: $(cat "$BERTH_ROOT/token.log")"
[ "$(b ctr run --rm "$P-t" "$R/y/z:v1" -- cat /etc/image-tag)" = "v1 amd64" ] || fail "run"
ok "bearer challenge -> token for repository:y/z:pull -> pull and run"
