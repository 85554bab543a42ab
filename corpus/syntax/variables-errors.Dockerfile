FROM alpine
ENV A=${}
ENV B=${a:x}
ENV C=${:x}
ENV D=${a/p}
ENV E=${a:#p}
ENV F=${a b}
WORKDIR ${a
