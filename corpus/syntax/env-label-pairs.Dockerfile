FROM alpine
ENV A=1 B="two words" C='single $quoted' D=esc\ aped E="q\"uote" F=
LABEL "com.example.vendor"="ACME Inc" version=1.0 description="multi \
  line"
ENV G=${A:-default}
