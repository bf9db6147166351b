"""The ground floor: rules every app shares (verification, model updates, currency, durable jobs, input limits).

It imports no platform app, so every app may build on it.
"""
