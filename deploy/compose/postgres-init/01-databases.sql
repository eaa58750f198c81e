-- Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d):
-- one database per service. The services create their tables themselves at start-up
-- (migrations under an advisory lock). deploy/k8s/overlays/dev/postgres-init.sql is a copy
-- (kustomize cannot load files from outside its directory); deploy.validate checks they match.
CREATE DATABASE auth;
CREATE DATABASE content;
