"""Who may do what, checked on the server: sign-in, sessions, roles, CSRF, limits, headers.

- ``policy``: which roles open which page and reach caller data (the one table).
- ``signin``: the sign-in and sign-out routes, sessions (Flask-Login over the
  ``user_sessions`` table), the gate that refuses anonymous requests.
- ``guards``: the checks every page layout and every callback makes (role and city).
- ``protection``: CSRF (Flask-WTF), security headers, Host/Origin checks, body limits,
  rate limits shared by every worker (Flask-Limiter over PostgreSQL or Redis).
"""
