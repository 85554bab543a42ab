#!/usr/bin/env -S docker build -f
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
FROM alpine
# not a shebang: #!/bin/sh
