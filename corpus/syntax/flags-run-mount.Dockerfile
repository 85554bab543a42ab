FROM alpine
RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip \
    --mount=type=secret,id=token,required \
    --mount=type=bind,from=build,source=/out,target=/in,ro \
    pip install x
RUN --mount=target=/x,type=TMPFS,size=64m true
RUN --mount=type=volume,tagret=/x,sharing=bogus,z true
RUN --mount true
