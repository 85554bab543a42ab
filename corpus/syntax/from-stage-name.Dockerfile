FROM alpine AS base
FROM base as Build-1.x
FROM alpine AS 1stage
FROM alpine AS bad$name
FROM alpine base
FROM alpine AS
FROM alpine AS a b
