FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM --platform=linux/amd64 alpine
FROM --plattform=linux/arm64 alpine
