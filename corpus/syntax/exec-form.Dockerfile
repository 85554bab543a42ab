FROM alpine
RUN ["echo", "hello world"]
CMD [ "a" , "b\"c" , "\u00e9" ]
ENTRYPOINT ["/bin/sh", \
  "-c"]
COPY ["a file", "/dest dir/"]
VOLUME ["/data"]
SHELL ["pwsh", "-Command"]
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
