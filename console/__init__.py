"""The web console (控制台): Chinese pages served by the API process for coordinators,
departments, the 州工信局 team and enterprises. Every page reads and acts through the
same HTTP API as any other client, with the signed-in person's own token."""
