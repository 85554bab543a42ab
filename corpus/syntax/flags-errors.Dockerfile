FROM alpine
COPY --chwon=app a b
COPY --Chown=app a b
COPY --from=a --from=b a b
COPY --exclude=a --exclude=b a b
COPY --from a b
COPY --link= a b
COPY --link=yes a b
ADD --unpack=TRUE a b
RUN --frobnicate echo
