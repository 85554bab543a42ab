FROM alpine
CMD ["sleep", 10]
ENTRYPOINT ["a", true, null, {"k": 1}, ["x"]]
VOLUME ["/a", 1]
