"""Links sent by e-mail that let a person set their password: invitations and password resets."""
