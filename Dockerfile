# syntax=docker/dockerfile:1
# dflint's container image. Build it with `docker build -t dflint .` and check the
# Dockerfiles of the current directory with `docker run --rm -v "$PWD:/src" dflint`.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY benches benches
# The dependencies first, so that a change to the sources does not download them again.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo fetch --locked
COPY src src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cargo build --release --locked --bin dflint \
    && cp target/release/dflint /usr/local/bin/dflint

FROM debian:${DEBIAN_RELEASE}-slim AS final
LABEL org.opencontainers.image.title="dflint" \
      org.opencontainers.image.description="A Dockerfile linter, autofixer and language server"
COPY --from=build /usr/local/bin/dflint /usr/local/bin/dflint
USER 65532:65532
WORKDIR /src
# A command-line tool, not a service: nothing to check.
HEALTHCHECK NONE
ENTRYPOINT ["dflint"]
CMD ["check"]
