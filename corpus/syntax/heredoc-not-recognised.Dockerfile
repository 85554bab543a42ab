FROM alpine
USER <<X
X
RUN ["cat", "<<EOF"]
RUN echo "<<NOT" '<<ALSO_NOT'
RUN cat <<<here-string
RUN cat << <<Y
RUN cat <<-
