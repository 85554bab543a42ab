ARG --foo=bar VERSION
FROM alpine
STOPSIGNAL --foo SIGKILL
USER --foo root
WORKDIR --bar=1 /x
RUN -- --mount=not-a-flag
