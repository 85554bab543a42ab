FROM alpine
ENV A=$a B=${a} C=${a:-b} D=${a:+b} E=${a-b} F=${a+b}
ENV G=${a#p} H=${a##p} I=${a%p} J=${a%%p}
ENV K=${a/p/r} L=${a//p/r} M=${a:?msg} N=${a?msg}
WORKDIR /home/${USER}_x/$1/$@
