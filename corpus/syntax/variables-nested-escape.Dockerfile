FROM alpine
ENV A=${a:-${b:-c}} B=\$notvar C=\${notvar} D="$inq ${inq2}" E='$literal' F="\$esc"
ENV G=$ H=a$ I=${a:-x y}
RUN echo $not_parsed_in_run
