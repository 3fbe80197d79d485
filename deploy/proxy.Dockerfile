# HAProxy in front of the app replicas (compose.yaml), from Debian's package. Build from the
# checkout's root:
#   docker build -f deploy/proxy.Dockerfile -t labordash-proxy .
# The cookie key comes from the environment at run time (HAPROXY_COOKIE_KEY), never the image.
ARG BASE=debian:bookworm-slim
FROM ${BASE}

RUN --mount=type=secret,id=ca_bundle \
    set -e; ca=/run/secrets/ca_bundle; \
    if [ -s "$ca" ]; then set -- -o "Acquire::https::CAInfo=$ca"; fi; \
    apt-get "$@" update; \
    apt-get "$@" install -y --no-install-recommends haproxy; \
    rm -rf /var/lib/apt/lists/*

COPY deploy/haproxy.cfg /etc/haproxy/haproxy.cfg
USER haproxy
EXPOSE 8080
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
