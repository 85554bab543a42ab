FROM alpine
RUN echo hello \
# a comment line, dropped \

   	
  # indented comment
    world
