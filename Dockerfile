# Image for the stateless web and worker processes (docker-compose.yml, production).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml ./
COPY . .
RUN pip install .
# `shopflow web` runs the one gunicorn command line (entrypoints/gunicorn.py).
ENV HOST=0.0.0.0 PORT=8000 WEB_WORKERS=2
EXPOSE 8000
CMD ["shopflow", "web"]
