FROM alpine
RUN --network=none --security=insecure echo a
RUN --network=bogus --security=maybe echo b
RUN --network=$NET echo c
RUN --device=nvidia.com/gpu=all --device=x echo d
