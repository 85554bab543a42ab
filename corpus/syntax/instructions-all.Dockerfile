ARG BASE=alpine
FROM $BASE AS build
RUN make
CMD ["run"]
LABEL org.opencontainers.image.title="demo"
MAINTAINER Jane Doe <jane@example.com>
EXPOSE 80/tcp 443 8000-8010/udp
ENV PATH=/app/bin:$PATH
ADD https://example.com/a.tar.gz /tmp/
COPY . /src
ENTRYPOINT ["/app/bin/demo"]
VOLUME /data /cache
USER app:app
WORKDIR /app
ONBUILD RUN echo triggered
STOPSIGNAL SIGTERM
HEALTHCHECK CMD curl -f http://localhost/
SHELL ["/bin/bash", "-c"]
