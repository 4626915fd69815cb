"""Block Kit for agendas, `/agenda` modals and replies."""
