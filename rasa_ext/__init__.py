"""The Python that extends Rasa for the dialogue tier, each part named in Rasa's own configuration.

`bot/` holds Rasa's data (domain, NLU data, rules, stories, tests, endpoints, credentials); this
package holds the classes those files and `config.yml` name, so `rasa run`, `rasa shell` and
`rasa test` all run them (docs/architecture.md "How we extend Rasa" has the table):

  components/   NLU components named in config.yml's pipeline
  policies.py   the dialogue policy named in config.yml
  tracker_store.py, lock_store.py   the stores named in bot/endpoints.yml
  channels.py, privacy.py           the input channels named in bot/credentials.yml
  startup.py    the server's start-up hooks, registered by the gateway channel
  patches.py    the few run-time patches of Rasa's private code (no seam), version-guarded
  __main__.py   `python -m rasa_ext run ...`: Rasa's own command line in a process without jax

The action server imports redaction.py and service_auth.py from here, and must not load Rasa to
start: nothing is imported on import of the package itself.
"""
