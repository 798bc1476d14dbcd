/* SPDX-License-Identifier: MIT */
/* The registry's HTTP side over libcurl: scheme and TLS choice, the challenge flow, GETs. */
#include "ctr/image/registry_http.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/image/registry_dl.h"

#define ERR_BODY_MAX 4096
#define TOKEN_MAX (1 << 20)

struct reg_client {
    CURL *curl;
    const struct reg_opts *o;
    char *host;
    char *repo;
    char *base;        /* "https://host" or "http://host" */
    char *auth_header; /* "Authorization: ..." or NULL */
    char *user, *pass; /* credentials, looked up once */
    bool creds_looked;
    struct reg_challenge chal;
    /* per request */
    char *www_auth;
    char *ctype;
    bool transport_failed; /* the last error was the connection's, not an HTTP status */
    char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_header(char *buf, size_t size, size_t n, void *arg)
{
    struct reg_client *c = arg;
    size_t len = size * n;
    char **slot = NULL;
    size_t skip = 0;
    if (len > 17 && strncasecmp(buf, "WWW-Authenticate:", 17) == 0)
        slot = &c->www_auth, skip = 17;
    else if (len > 13 && strncasecmp(buf, "Content-Type:", 13) == 0)
        slot = &c->ctype, skip = 13;
    else if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        free(c->www_auth); /* a new response (after a redirect): forget the last one's */
        free(c->ctype);
        c->www_auth = c->ctype = NULL;
    }
    if (slot) {
        const char *v = buf + skip, *e = buf + len;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
            e--;
        free(*slot);
        *slot = xstrndup(v, (size_t)(e - v));
    }
    return len;
}

/* The CA of a private registry: <cert_dir>/<host>/ca.crt, when it exists. */
static void
set_tls(struct reg_client *c)
{
    const struct reg_opts *o = c->o;
    if (o->tls_verify == 0) {
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
        return;
    }
    char ca[4096];
    snprintf(ca, sizeof(ca), "%s/%s/ca.crt", o->cert_dir ? o->cert_dir : "/etc/containers/certs.d",
             c->host);
    struct stat st;
    if (stat(ca, &st) == 0 && S_ISREG(st.st_mode)) {
        curl_easy_setopt(c->curl, CURLOPT_CAINFO, ca);
        curl_easy_setopt(c->curl, CURLOPT_CAPATH, "/etc/ssl/certs"); /* and the system's */
    }
}

/* One GET of url: the body to write_fn/write_arg when 2xx, else to errbody. */
struct req {
    struct reg_client *c;
    curl_write_callback write_fn;
    void *write_arg;
    struct strbuf errbody;
    long status;
};

static size_t
on_body(char *buf, size_t size, size_t n, void *arg)
{
    struct req *r = arg;
    long st = 0;
    curl_easy_getinfo(r->c->curl, CURLINFO_RESPONSE_CODE, &st);
    r->status = st;
    if (st >= 200 && st < 300 && r->write_fn)
        return r->write_fn(buf, size, n, r->write_arg);
    if (r->errbody.len < ERR_BODY_MAX)
        strbuf_add(&r->errbody, buf, size * n);
    return size * n;
}

static int
perform(struct reg_client *c, const char *url, const char *accept, const char *range, struct req *r,
        struct err **err)
{
    struct curl_slist *hdrs = NULL;
    cleanup_free char *acc = accept ? xasprintf("Accept: %s", accept) : NULL;
    if (acc)
        hdrs = curl_slist_append(hdrs, acc);
    if (c->auth_header)
        hdrs = curl_slist_append(hdrs, c->auth_header);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c->curl, CURLOPT_RANGE, range);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, r);
    c->errbuf[0] = '\0';
    CURLcode rc = curl_easy_perform(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
    if (rc != CURLE_OK) {
        c->transport_failed = true;
        if (rc == CURLE_WRITE_ERROR)
            return err_set(err, 0, "%s: transfer stopped", url);
        bool tls = rc == CURLE_SSL_CONNECT_ERROR && strncmp(url, "https:", 6) == 0;
        return err_set(err, 0, "%s: %s%s", url, c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc),
                       tls ? " (a plain HTTP registry? --tls-verify=false allows http)" : "");
    }
    return 0;
}

/* The registry's message from an error body ({"errors":[{"code","message"}]}), or the status. */
static int
status_error(struct req *r, const char *what, struct err **err)
{
    const char *msg = NULL, *code = NULL;
    cleanup_json json_object *j =
        r->errbody.len ? json_tokener_parse(strbuf_str(&r->errbody)) : NULL;
    json_object *errs = j ? jsonx_get_array(j, "errors") : NULL;
    json_object *e0 =
        errs && json_object_array_length(errs) ? json_object_array_get_idx(errs, 0) : NULL;
    if (e0) {
        jsonx_get_str(e0, "message", &msg);
        jsonx_get_str(e0, "code", &code);
    }
    if (r->status == 401 || r->status == 403)
        return err_set(err, 0, "%s: access denied (HTTP %ld%s%s)", what, r->status, msg ? ": " : "",
                       msg ? msg : "");
    if (r->status == 404)
        return err_set(err, 0, "%s: not found in the registry%s%s", what, msg ? ": " : "",
                       msg ? msg : "");
    return err_set(err, 0, "%s: HTTP %ld%s%s%s%s", what, r->status, code ? " " : "",
                   code ? code : "", msg ? ": " : "", msg ? msg : "");
}

static void
creds_lookup(struct reg_client *c, struct err **err)
{
    if (c->creds_looked)
        return;
    c->creds_looked = true;
    if (c->o->user) {
        c->user = xstrdup(c->o->user);
        c->pass = xstrdup(c->o->pass ? c->o->pass : "");
        return;
    }
    const char *key = strcmp(c->host, "registry-1.docker.io") == 0 ? "docker.io" : c->host;
    reg_auth_lookup(c->o->authfile, key, &c->user, &c->pass, err);
}

static size_t
mem_write(char *buf, size_t size, size_t n, void *arg)
{
    struct strbuf *sb = arg;
    if (sb->len + size * n > TOKEN_MAX)
        return 0;
    strbuf_add(sb, buf, size * n);
    return size * n;
}

static char *
basic_header(const char *user, const char *pass)
{
    cleanup_free char *b64 = reg_auth_encode(user, pass);
    return xasprintf("Authorization: Basic %s", b64);
}

/* The bearer flow: GET realm?service=&scope= (with the credentials when there are any). */
static int
fetch_token(struct reg_client *c, struct err **err)
{
    struct strbuf url = STRBUF_INIT, body = STRBUF_INIT;
    strbuf_puts(&url, c->chal.realm);
    char sep = strchr(c->chal.realm, '?') ? '&' : '?';
    if (c->chal.service) {
        char *s = curl_easy_escape(c->curl, c->chal.service, 0);
        strbuf_printf(&url, "%cservice=%s", sep, s);
        curl_free(s);
        sep = '&';
    }
    if (c->repo) {
        cleanup_free char *scope = xasprintf("repository:%s:pull", c->repo);
        char *s = curl_easy_escape(c->curl, scope, 0);
        strbuf_printf(&url, "%cscope=%s", sep, s);
        curl_free(s);
    }
    creds_lookup(c, err);
    free(c->auth_header);
    c->auth_header = c->user ? basic_header(c->user, c->pass) : NULL;
    struct req r = {.c = c, .write_fn = mem_write, .write_arg = &body};
    int rc = perform(c, strbuf_str(&url), NULL, NULL, &r, err);
    free(c->auth_header);
    c->auth_header = NULL;
    if (rc == 0 && r.status != 200)
        rc = status_error(&r, "token server", err);
    cleanup_json json_object *j = NULL;
    const char *tok = NULL;
    if (rc == 0) {
        j = jsonx_parse(strbuf_str(&body), body.len, "token server's answer", err);
        if (!j || (!jsonx_get_str(j, "token", &tok) && !jsonx_get_str(j, "access_token", &tok)))
            rc = j ? err_set(err, 0, "token server's answer has no token") : -1;
    }
    if (rc == 0)
        c->auth_header = xasprintf("Authorization: Bearer %s", tok);
    strbuf_done(&url);
    strbuf_done(&body);
    strbuf_done(&r.errbody);
    return rc;
}

/* A 401 with its challenge: authenticate for the next try. */
static int
authenticate(struct reg_client *c, struct err **err)
{
    if (!c->www_auth)
        return err_set(err, 0, "%s: HTTP 401 without an auth challenge", c->host);
    reg_challenge_done(&c->chal);
    if (reg_challenge_parse(c->www_auth, &c->chal, err) < 0)
        return err_wrap(err, "%s", c->host);
    if (c->chal.scheme == REG_SCHEME_BEARER)
        return fetch_token(c, err);
    creds_lookup(c, err);
    if (!c->user)
        return err_set(err, 0, "%s asks for a user name and password (berth login %s)", c->host,
                       c->host);
    free(c->auth_header);
    c->auth_header = basic_header(c->user, c->pass);
    return 0;
}

/* GET with the auth flow: a 401 authenticates and tries once more. */
static int
get(struct reg_client *c, const char *path, const char *accept, const char *range, struct req *r,
    struct err **err)
{
    cleanup_free char *url = xasprintf("%s%s", c->base, path);
    for (int tries = 0;; tries++) {
        strbuf_reset(&r->errbody);
        if (perform(c, url, accept, range, r, err) < 0)
            return -1;
        if (r->status != 401 || tries == 1)
            return 0;
        if (authenticate(c, err) < 0)
            return -1;
    }
}

static int
ping(struct reg_client *c, struct err **err)
{
    struct req r = {.c = c};
    int rc = get(c, "/v2/", NULL, NULL, &r, err);
    if (rc == 0 && r.status != 200)
        rc = status_error(&r, c->host, err);
    strbuf_done(&r.errbody);
    return rc;
}

struct reg_client *
reg_client_open(const char *host, const char *repo, const struct reg_opts *o, struct err **err)
{
    if (reg_dl_load(err) < 0)
        return NULL;
    pthread_once(&curl_once, curl_init_once);
    struct reg_client *c = xcalloc(1, sizeof(*c));
    c->o = o;
    c->host = xstrdup(host);
    c->repo = repo ? xstrdup(repo) : NULL;
    c->curl = curl_easy_init();
    if (!c->curl) {
        reg_client_free(c);
        err_set(err, 0, "libcurl: cannot make a handle");
        return NULL;
    }
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c->curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c->curl, CURLOPT_REDIR_PROTOCOLS_STR, o->tls_verify ? "https" : "http,https");
    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_LIMIT, 1L); /* a stalled transfer ends */
    curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "berth/" BERTH_VERSION);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    set_tls(c);
    c->base = xasprintf("https://%s", host);
    struct err *first = NULL;
    if (ping(c, &first) == 0)
        return c;
    /* Plain HTTP only when asked: --tls-verify=false (podman's rule for insecure registries). */
    if (o->tls_verify == 0 && c->transport_failed) {
        free(c->base);
        c->base = xasprintf("http://%s", host);
        err_free(first);
        first = NULL;
        if (ping(c, err) == 0)
            return c;
    } else if (err) {
        *err = first;
        first = NULL;
    }
    err_free(first);
    reg_client_free(c);
    return NULL;
}

void
reg_client_free(struct reg_client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    if (c->pass)
        OPENSSL_cleanse(c->pass, strlen(c->pass));
    free(c->host);
    free(c->repo);
    free(c->base);
    free(c->auth_header);
    free(c->user);
    free(c->pass);
    free(c->www_auth);
    free(c->ctype);
    reg_challenge_done(&c->chal);
    free(c);
}

struct mem_sink {
    struct strbuf *sb;
    size_t max;
    bool too_big;
};

static size_t
mem_limited(char *buf, size_t size, size_t n, void *arg)
{
    struct mem_sink *m = arg;
    if (m->sb->len + size * n > m->max) {
        m->too_big = true;
        return 0;
    }
    strbuf_add(m->sb, buf, size * n);
    return size * n;
}

int
reg_client_get_mem(struct reg_client *c, const char *path, const char *accept, size_t max,
                   const char *what, struct strbuf *body, char **ctype, struct err **err)
{
    struct mem_sink m = {.sb = body, .max = max};
    struct req r = {.c = c, .write_fn = mem_limited, .write_arg = &m};
    strbuf_reset(body);
    int rc = get(c, path, accept, NULL, &r, err);
    if (rc < 0 && m.too_big)
        rc = err_set(err, 0, "%s: larger than %zu bytes", what, max);
    else if (rc == 0 && r.status != 200)
        rc = status_error(&r, what, err);
    if (rc == 0 && ctype)
        *ctype = c->ctype ? xstrdup(c->ctype) : NULL;
    strbuf_done(&r.errbody);
    return rc;
}

struct blob_req {
    struct req r;
    struct reg_blob_sink *s;
    bool started;
};

/* The first bytes of a 200 answer to a Range request: the registry sends the whole blob, so the
 * file and the hash start again. */
static int
blob_restart(struct reg_blob_sink *s)
{
    if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0)
        return -1;
    EVP_DigestInit_ex(s->md, EVP_sha256(), NULL);
    s->offset = 0;
    s->prog.resumed = 0;
    return 0;
}

static size_t
blob_write(char *buf, size_t size, size_t n, void *arg)
{
    struct blob_req *b = arg;
    struct reg_blob_sink *s = b->s;
    size_t len = size * n;
    if (!b->started) {
        b->started = true;
        if (b->r.status == 200 && s->offset > 0 && blob_restart(s) < 0) {
            s->werr = errno;
            return 0;
        }
    }
    if (s->offset + len > s->total) {
        s->too_big = true;
        return 0;
    }
    if (fileio_write_full(s->fd, buf, len) < 0) {
        s->werr = errno;
        return 0;
    }
    EVP_DigestUpdate(s->md, buf, len);
    s->offset += len;
    return len;
}

static int
blob_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ult, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ult, (void)ulnow;
    struct reg_blob_sink *s = arg;
    if (s->o->progress) {
        s->prog.done = s->offset;
        s->o->progress(&s->prog, s->o->arg);
    }
    return 0;
}

int
reg_client_get_blob(struct reg_client *c, const char *path, struct reg_blob_sink *s,
                    struct err **err)
{
    char range[48];
    snprintf(range, sizeof(range), "%llu-", (unsigned long long)s->offset);
    struct blob_req b = {.r = {.c = c, .write_fn = blob_write}, .s = s};
    struct req *r = &b.r;
    r->write_arg = &b;
    curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, blob_progress);
    curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, s);
    /* A registry that ignores the Range answers 200: the write callback sees it first. */
    int rc = get(c, path, NULL, s->offset ? range : NULL, r, err);
    curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 1L);
    if (rc < 0 && s->too_big)
        rc = err_set(err, 0, "blob %s: the registry sent more than its %llu bytes", path,
                     (unsigned long long)s->total);
    else if (rc < 0 && s->werr)
        rc = err_set(err, s->werr, "writing blob %s", path);
    else if (rc == 0 && r->status != 200 && r->status != 206)
        rc = status_error(r, path, err);
    strbuf_done(&r->errbody);
    return rc;
}
