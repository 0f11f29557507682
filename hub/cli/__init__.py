"""The ``hub`` command: ``main`` parses and dispatches; each command group has a module, and they
share ``common`` (consoles and a store opened for one command)."""
