# escape=`
FROM mcr.microsoft.com/windows/servercore
WORKDIR C:\
RUN dir c:\ `
    && echo done
ENV A=`$HOME B="x`"y" C=C:\path
COPY a.txt `
     C:\dest\
