FROM alpine
ONBUILD ADD . /app/src
ONBUILD RUN --mount=type=cache,target=/c make
ONBUILD ONBUILD RUN x
ONBUILD FROM alpine
onbuild maintainer someone
ONBUILD healthcheck NONE
