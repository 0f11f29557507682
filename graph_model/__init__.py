"""The domain layer: entities and relationships, their validation, the Cypher statements and the
stores that run them, listing, mutations, audit, collaboration networks and coverage. Nothing here
knows GraphQL or HTTP (that is ``hub``); ``seed`` and the command line use it directly."""
