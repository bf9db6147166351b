"""Signals for higher layers (notifications), each sent after commit."""

from django.dispatch import Signal

# Sent with: forecast (DemandForecast), run (ForecastMatchRun). The forecast's fits were just replaced.
forecast_matched = Signal()
# Sent with: interest (ForecastInterest), created (bool), actor (User).
forecast_interest_registered = Signal()
