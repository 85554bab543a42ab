FROM alpine AS build
FROM alpine
COPY --from=build --chown=app:app --chmod=0755 --link --parents=true --exclude=*.md --exclude=*.txt src/ /dst/
COPY --chown="a b" --link=false a b
COPY --checksum=sha256:abc a b
