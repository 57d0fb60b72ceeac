"""Customers in a transaction list: their purchase history and the models fitted on it.

- :mod:`core.customers.summary`: transactions -> one row per customer (frequency, recency, T, spend).
- :mod:`core.customers.rfm`: RFM scores and named segments.
- :mod:`core.customers.bgnbd`, :mod:`core.customers.gamma_gamma`: purchase and spend models.
- :mod:`core.customers.model_clv`: the *model CLV* of each customer (purchases x spend x margin,
  discounted). The account list's retention-formula CLTV is :mod:`core.retention_cltv`.
- :mod:`core.customers.report`: one call from a transaction list to every customer table.
"""
