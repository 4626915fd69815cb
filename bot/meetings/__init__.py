"""Meeting series: schedules, auto-built agendas, voices, reminders."""
