"""Sales forecasting: local statistical models and a global LightGBM with outside signals."""
