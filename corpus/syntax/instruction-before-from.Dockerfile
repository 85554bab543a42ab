ARG VERSION=1
RUN echo no stage
FROM alpine:$VERSION
