"""Real systems take part in the simulated market over the DIP's own HTTP API (``market serve``).

* :mod:`~market.serve.onboarding`: who is played from outside, their keys and certificates;
* :mod:`~market.serve.stand_in`: the participant in the market that forwards to a real system;
* :mod:`~market.serve.outlet`: the webhook calls to the real systems, bounded per recipient;
* :mod:`~market.serve.port`: every input from outside, checked, recorded and applied;
* :mod:`~market.serve.pacing`: lockstep and real-clock pacing of virtual time;
* :mod:`~market.serve.http_app`: the ASGI application the DIP listens with;
* :mod:`~market.serve.traffic`: per-endpoint request counts, errors and latencies;
* :mod:`~market.serve.replay`: a recorded run re-run without the real systems;
* :mod:`~market.serve.session`: all of it run together; :mod:`~market.serve.errors`.
"""
