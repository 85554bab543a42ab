FROM alpine
RUN echo something \