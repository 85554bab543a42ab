FROM alpine
RUN ['echo', 'single quotes']
CMD ["a", "b",]
ENTRYPOINT ["unterminated
VOLUME [/a, /b]
COPY ['a', '/b/']
