FROM alpine
HEALTHCHECK NONE
HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1
HEALTHCHECK none extra
HEALTHCHECK CMD
HEALTHCHECK RUN echo
healthcheck cmd ["true"]
